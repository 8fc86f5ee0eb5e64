print("level 0")
error("no position", 0)
