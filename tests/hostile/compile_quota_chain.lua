-- limits: memory=32m
-- expect: not enough memory
-- A two-million-long field chain: used 1.4 GB of host memory under a 32 MB quota.
print(pcall(load, "return a" .. string.rep(".b", 2000000)))
print("escaped")
