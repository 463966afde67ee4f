# gnuplot script written by `connsim sweep`; run `gnuplot plots.gp` in this directory.
policies = "fixed exponential exponential-jitter deadline-bounded"
sliceA = "at base delay 1s, concurrency batch:3"
sliceB = "at max attempts 3, concurrency batch:3"
title0 = "sweep-relay-outage (30 seeds, mean and 95% CI)"

# The plots of `connsim sweep` (gnuplot 5.4). The sweep writes this script into its output
# directory as plots.gp, after lines that set:
#   policies  the retry policies, space-separated: data block i of each .dat file is policy i+1
#   sliceA    the slice slice_attempts.dat holds, "at base delay 1s, concurrency batch:3"
#   sliceB    the slice slice_base_delay.dat holds, "at max attempts 3, concurrency batch:3"
#   title0    the first line of every title: the scenario and the seeds
# Columns are picked by name: each data block starts with a header line, `x` then
# <column>_mean and <column>_ci95 for each plotted column.
# Run in the output directory: gnuplot plots.gp (gnuplot -e "png_terminal='png'" plots.gp
# where gnuplot has no cairo).
if (!exists("png_terminal")) png_terminal = 'pngcairo'
npol = words(policies)
set key outside right top
set grid
set border 3
set tics nomirror
set style data yerrorlines
set pointsize 1.2
do for [fmt in "png svg"] {
  if (fmt eq "png") { set terminal @png_terminal size 1100,650 noenhanced font ",11" } else { set terminal svg size 1100,650 noenhanced font "sans,11" dynamic background "white" }
  set output "success_rate." . fmt
  set title title0 . "\nconnect success rate by max attempts " . sliceA
  set xlabel "max attempts"; set ylabel "connect success rate"; set xtics 1; set yrange [*:*]
  unset logscale x
  plot for [i=0:npol-1] "slice_attempts.dat" index i \
       using "x":"connect_success_rate_mean":"connect_success_rate_ci95" title word(policies, i+1) lw 2
  set output "connect_time." . fmt
  set key inside top left
  set multiplot layout 1,2 title title0 . "\nconnect time (connecting to final status) " . sliceA
  set title "p50"; set ylabel "ms"
  plot for [i=0:npol-1] "slice_attempts.dat" index i \
       using "x":"connect_time_p50_mean":"connect_time_p50_ci95" title word(policies, i+1) lw 2
  set title "p99"
  plot for [i=0:npol-1] "slice_attempts.dat" index i \
       using "x":"connect_time_p99_mean":"connect_time_p99_ci95" title word(policies, i+1) lw 2
  unset multiplot
  set key outside right top
  set output "relay_load." . fmt
  set title title0 . "\nrelay circuits opened per run " . sliceA
  set ylabel "relay circuits per run"
  plot for [i=0:npol-1] "slice_attempts.dat" index i \
       using "x":"relay_circuits_opened_mean":"relay_circuits_opened_ci95" title word(policies, i+1) lw 2
  set output "success_by_base_delay." . fmt
  set logscale x 2; set xtics auto; set xlabel "base delay (ms)"
  set key inside top left
  set multiplot layout 1,2 title title0 . "\nby base delay " . sliceB
  set title "success rate"; set ylabel "connect success rate"
  plot for [i=0:npol-1] "slice_base_delay.dat" index i \
       using "x":"connect_success_rate_mean":"connect_success_rate_ci95" title word(policies, i+1) lw 2
  set title "connect time p99"; set ylabel "ms"
  plot for [i=0:npol-1] "slice_base_delay.dat" index i \
       using "x":"connect_time_p99_mean":"connect_time_p99_ci95" title word(policies, i+1) lw 2
  unset multiplot
  unset logscale x; set xtics 1; set key outside right top
}
