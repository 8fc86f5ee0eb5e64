#!/usr/bin/env lua5.4 this first line is skipped
print("shebang skipped")
print(load("#!not skipped by load"))
