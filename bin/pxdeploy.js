#!/usr/bin/env node
// Launcher: run the compiled entry point (npm run build produces dist/).
import '../dist/main.js';
