-- limits: steps=1000000
-- expect: step limit
::top:: goto top
