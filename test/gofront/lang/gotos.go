// goto (forward, backward, out of nested loops) and fallthrough (into the next case and into default),
// as real Go 1.23.5 runs them (gotos.out).
package main

import "fmt"

func grade(n int) string {
	s := ""
	switch {
	case n > 90:
		s += "A"
		fallthrough
	case n > 80:
		s += "B"
		fallthrough
	default:
		s += "C"
	case n < 0:
		s += "neg"
	}
	return s
}

func kind(n int) string {
	switch n {
	case 1:
		return "one"
	case 2:
		fallthrough
	case 3:
		return "two or three"
	}
	return "other"
}

func find(grid [][]int, want int) (int, int) {
	for i, row := range grid {
		for j, v := range row {
			if v == want {
				fmt.Println("found at", i, j)
				goto found
			}
		}
	}
	return -1, -1
found:
	return 1, 1
}

func countdown(n int) int {
	steps := 0
loop:
	if n > 0 {
		n--
		steps++
		goto loop
	}
	return steps
}

func main() {
	for _, n := range []int{95, 85, 50, -3} {
		fmt.Println(n, grade(n))
	}
	for i := 0; i < 5; i++ {
		fmt.Println(i, kind(i))
	}
	g := make([][]int, 2)
	g[0] = append(g[0], 1, 2)
	g[1] = append(g[1], 3, 4)
	a, b := find(g, 3)
	fmt.Println(a, b)
	a, b = find(g[:1], 9)
	fmt.Println(a, b)
	fmt.Println("countdown", countdown(7))
	i := 0
	total := 0
again:
	total += i
	i++
	if i < 10 {
		goto again
	}
	fmt.Println("total", total)
	for k := 0; k < 3; k++ {
		switch k {
		case 1:
			continue
		}
		if k == 2 {
			goto done
		}
		fmt.Println("k", k)
	}
done:
	fmt.Println("done")
}
