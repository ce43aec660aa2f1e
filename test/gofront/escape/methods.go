package main

import "fmt"

type Employee struct {
	name   string
	salary int
}

var staff []*Employee

func (e *Employee) Raise(pct int) {
	e.salary += e.salary * pct / 100
}

func (e Employee) Salary() int {
	return e.salary
}

func (e *Employee) Register() {
	staff = append(staff, e)
}

func main() {
	var a Employee
	a.salary = 1000
	a.Raise(10)
	b := &Employee{name: "b", salary: 2000}
	b.Raise(5)
	c := Employee{name: "c", salary: 3000}
	c.Register()
	fmt.Println(a.Salary(), b.Salary(), c.Salary(), len(staff))
}
