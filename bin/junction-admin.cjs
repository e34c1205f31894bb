#!/usr/bin/env node
'use strict';
// `junction-admin`: local administration on the database (migrations, keys, vault, sandbox). Its
// TypeScript runs through tsx (a dependency), with no build step, as bin/junction.cjs does.
const { require: tsxRequire } = require('tsx/cjs/api');

tsxRequire('../server/admin/main.ts', __filename).runAdminCli();
