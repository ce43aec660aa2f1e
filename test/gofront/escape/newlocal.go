package main

type big struct {
	buf [1 << 17]byte
}

func main() {
	var b big
	b.buf[0] = 1
	p := new(big)
	p.buf[1] = 2
	q := &big{}
	q.buf[2] = 3
	println(b.buf[0], p.buf[1], q.buf[2])
}
