module gomem/reality

go 1.23
