// Loaded with --import into a measured process: prints its peak memory when it exits.
process.on('exit', () => {
  process.stderr.write(`\nbench-peak-rss-kib=${process.resourceUsage().maxRSS}\n`);
});
