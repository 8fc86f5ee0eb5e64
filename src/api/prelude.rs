//! mlua's `Lua*` aliases, for `use mani::prelude::*`.

pub use super::{
    AnyUserData as LuaAnyUserData, AsChunk as AsLuaChunk, BorrowedBytes as LuaBorrowedBytes,
    BorrowedStr as LuaBorrowedStr, Chunk as LuaChunk, Error as LuaError,
    ErrorContext as LuaErrorContext, ExternalError as LuaExternalError,
    ExternalResult as LuaExternalResult, FromLua, FromLuaMulti, Function as LuaFunction,
    Integer as LuaInteger, IntoLua, IntoLuaMulti, LightUserData as LuaLightUserData, Lua,
    LuaOptions, LuaString, MetaMethod as LuaMetaMethod, MultiValue as LuaMultiValue, Nil as LuaNil,
    Number as LuaNumber, ObjectLike as LuaObjectLike, RegistryKey as LuaRegistryKey,
    Result as LuaResult, Scope as LuaScope, StdLib as LuaStdLib, Table as LuaTable,
    TablePairs as LuaTablePairs, TableSequence as LuaTableSequence, Thread as LuaThread,
    ThreadStatus as LuaThreadStatus, UserData as LuaUserData, UserDataFields as LuaUserDataFields,
    UserDataMethods as LuaUserDataMethods, UserDataRef as LuaUserDataRef,
    UserDataRefMut as LuaUserDataRefMut, UserDataRegistry as LuaUserDataRegistry,
    Value as LuaValue, Variadic as LuaVariadic,
};
