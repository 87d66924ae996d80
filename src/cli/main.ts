#!/usr/bin/env node
console.log('aiqc');
