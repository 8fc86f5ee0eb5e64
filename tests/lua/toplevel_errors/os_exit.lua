print("exiting with 3")
io.stdout:flush()
os.exit(3)
print("never")
