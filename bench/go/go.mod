module gomem/benchgo

go 1.23
