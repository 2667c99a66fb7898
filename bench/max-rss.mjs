// Preloaded with `node --import` where GNU time is missing: the child reports its own peak RSS
// in kilobytes, as GNU time's %M would, on the last line of stderr.
process.on('exit', () => process.stderr.write(`\n${process.resourceUsage().maxRSS}\n`));
