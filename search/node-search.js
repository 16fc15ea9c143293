#!/usr/bin/env node
/*
 * The in-browser search engine under Node.js, for tests and benchmarks (search/browser_index.py
 * run_in_node): `node search/node-search.js DATA_FILE [LIMIT] < queries.json` prints a JSON
 * array with one response per query ({query, did_you_mean, results}), as SearchEngine.search
 * gives them in Python, and the milliseconds each query took.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const { Engine } = require(path.join(__dirname, "static", "search-engine.js"));
const [dataFile, limitArg] = process.argv.slice(2);
const sandbox = { window: {} };
vm.runInNewContext(fs.readFileSync(dataFile, "utf8"), sandbox); // the file sets window.<global>
const data = Object.values(sandbox.window)[0];
let start = process.hrtime.bigint();
const engine = new Engine(data);
const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
const limit = Number(limitArg || 10);
const responses = JSON.parse(fs.readFileSync(0, "utf8")).map((q) => {
  start = process.hrtime.bigint();
  const response = engine.search(q, limit);
  response.ms = Number(process.hrtime.bigint() - start) / 1e6;
  return response;
});
process.stdout.write(JSON.stringify({ load_ms: loadMs, responses }));
