package main

type Employee struct {
	name   string
	salary int
}

var all []*Employee

func hire(name string, salary int) *Employee {
	e := &Employee{name: name, salary: salary}
	all = append(all, e)
	return e
}

func raise(e *Employee) {
	e.salary += 100
}

func main() {
	e := hire("ann", 10)
	raise(e)
	local := Employee{"bob", 20}
	raise(&local)
	println(e.salary, local.salary)
}
