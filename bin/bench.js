#!/usr/bin/env node
// `npm run bench -- <name>...`: runs benchmarks under bench/ (see bench/README.md).
import { register } from 'tsx/esm/api';

register();
await import('../bench/main.ts');
