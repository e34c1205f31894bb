#!/usr/bin/env node
'use strict';
// The `junction` ops CLI: its TypeScript runs through tsx (a dependency), with no build step.
const { require: tsxRequire } = require('tsx/cjs/api');

tsxRequire('../cli/junction.ts', __filename).runCli();
