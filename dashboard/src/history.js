// history.html: drawn from the #ftbench-history data
