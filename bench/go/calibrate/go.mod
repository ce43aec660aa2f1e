module gomem/bench/calibrate

go 1.23

require gomem/reality v0.0.0

replace gomem/reality => ../../../reality
