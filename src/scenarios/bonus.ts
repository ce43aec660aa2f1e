// bonus: the Employee/bonus program of "Visualizing memory management in
// Golang". Everything lives on main's stack — the Employee value, the
// arguments and results of the two calls — so the heap does not grow;
// only fmt.Println boxes john.bonus (an int ≥ 256 allocates 8 bytes).
//
// Go:   var john = Employee{"John", 5000, 5, 0}; john.bonus = findEmployeeBonus(john.salary, john.sales); fmt.Println(john.bonus)

import { defineProgram } from '../go/program.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

const BONUS_PERCENTAGE = 10;

export default defineProgram({
  name: 'bonus',
  description: 'the Employee/bonus program: values on the stack, one boxed int for fmt.Println',
  binary: binaryOf('bonus'),
  inits: initsOf('bonus'),
  live: liveOf('bonus'),
  *main(go) {
    const T = go.T;
    const Employee = T.named(
      T.struct([
        ['name', T.string],
        ['salary', T.int],
        ['sales', T.int],
        ['bonus', T.int],
      ]),
      'main.Employee',
    );
    go.checkpoint('start');
    // var john = Employee{...}: a 40-byte value in main's frame; its name points at a literal in rodata.
    const frame = go.locals('main.main', { john: Employee });
    const john = { name: go.str('John'), salary: 5000, sales: 5, bonus: 0 };
    frame.john = john;
    const getBonusPercentage = (salary: number): number => Math.floor((salary * BONUS_PERCENTAGE) / 100);
    const findEmployeeBonus = (salary: number, noOfSales: number): number => {
      const bonusPercentage = go.call('main.getBonusPercentage', 24, () => getBonusPercentage(salary));
      return bonusPercentage * noOfSales;
    };
    john.bonus = go.call('main.findEmployeeBonus', 40, () => findEmployeeBonus(john.salary, john.sales));
    go.fmt.Println(john.bonus);
  },
});
