// bonus: the Employee/bonus program of "Visualizing memory management in
// Golang" (Deepu K Sasidharan, 2020), with a checkpoint at the start and at
// exit. The article walks through its stack frames; escape analysis keeps
// everything on the stack except what fmt.Println boxes.
package main

import (
	"fmt"

	"gomem/reality/checkpoint"
)

type Employee struct {
	name   string
	salary int
	sales  int
	bonus  int
}

const BONUS_PERCENTAGE = 10

func getBonusPercentage(salary int) int {
	percentage := (salary * BONUS_PERCENTAGE) / 100
	return percentage
}

func findEmployeeBonus(salary, noOfSales int) int {
	bonusPercentage := getBonusPercentage(salary)
	bonus := bonusPercentage * noOfSales
	return bonus
}

func main() {
	checkpoint.Mark("start")
	var john = Employee{"John", 5000, 5, 0}
	john.bonus = findEmployeeBonus(john.salary, john.sales)
	fmt.Println(john.bonus)
	checkpoint.Exit()
}
