//! `ObjectLike` on tables and userdata: metamethod-aware indexing, calls, methods.

use mani::{AnyUserData, Lua, ObjectLike, Table, UserData, UserDataMethods};

struct Greeter(String);

impl UserData for Greeter {
    fn add_methods<M: UserDataMethods<Self>>(m: &mut M) {
        m.add_method("greet", |_, this, who: String| {
            Ok(format!("{}, {who}", this.0))
        });
        m.add_meta_method(mani::MetaMethod::Call, |_, this, n: i64| {
            Ok(this.0.len() as i64 * n)
        });
    }
}

#[test]
fn tables_and_userdata_share_object_operations() {
    let lua = Lua::new();
    let t: Table = lua
        .load("setmetatable({}, {__index = function(_, k) return k .. '?' end, __call = function(self, a, b) return a + b end})")
        .eval()
        .unwrap();
    assert_eq!(ObjectLike::get::<String>(&t, "x").unwrap(), "x?");
    assert_eq!(ObjectLike::call::<i64>(&t, (2, 3)).unwrap(), 5);
    ObjectLike::set(
        &t,
        "f",
        lua.create_function(|_, x: i64| Ok(x * 10)).unwrap(),
    )
    .unwrap();
    assert_eq!(t.call_function::<i64>("f", 4).unwrap(), 40);
    assert!(ObjectLike::to_string(&t).unwrap().starts_with("table: "));

    let ud: AnyUserData = lua.create_userdata(Greeter("hello".into())).unwrap();
    assert_eq!(
        ud.call_method::<String>("greet", "mani").unwrap(),
        "hello, mani"
    );
    assert_eq!(ObjectLike::call::<i64>(&ud, 2).unwrap(), 10);
    assert!(ud.call_method::<()>("missing", ()).is_err());
}
