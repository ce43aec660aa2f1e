package main

type node struct {
	next *node
	val  int
}

var head *node

func push(n *node) {
	n.next = head
	head = n
}

func value(n *node) int {
	return n.val
}

func first(n *node) *node {
	return n
}

func second(n *node) *node {
	return n.next
}

func main() {
	a := &node{val: 1}
	push(a)
	b := &node{val: 2}
	println(value(b))
	c := &node{val: 3}
	println(first(c).val)
	d := &node{val: 4}
	println(second(d) == nil)
}
