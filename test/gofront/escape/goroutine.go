package main

func worker(p *int, done chan int) {
	done <- *p
}

func main() {
	done := make(chan int, 1)
	x := 5
	go worker(&x, done)
	println(<-done)
}
