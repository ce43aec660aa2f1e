module gomem/bench/calibrate

go 1.23
