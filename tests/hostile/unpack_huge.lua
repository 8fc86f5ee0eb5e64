-- limits: budget=5000000
-- expect: too many results
print(table.unpack({}, 1, 1e8))
