#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources (and user program files
// written in TypeScript) run without a build step, then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
