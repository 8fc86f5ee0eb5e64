print("exit true")
os.exit(true)
print("never")
