io.write("partial output\n")
error({code = 1})
