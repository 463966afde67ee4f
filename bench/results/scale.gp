
set logscale xy; set grid; set key top left; set xlabel "wallets"
set xrange [70:14000]
do for [fmt in "png svg"] {
  if (fmt eq "png") { set terminal pngcairo size 1200,420 noenhanced font ",10" } else { set terminal svg size 1200,420 noenhanced font "sans,10" background "white" }
  set output "scale." . fmt
  set multiplot layout 1,3 title "connsim run --stats: churn (about 300 online at once) and swarm (everyone online)"
  set title "wall time of the run (s)"; set ylabel "s"
  plot "scale.dat" index 0 using 1:2 with linespoints lw 2 title "churn", "" index 1 using 1:2 with linespoints lw 2 title "swarm"
  set title "connects per wall-second"; set ylabel "connects/s"
  plot "scale.dat" index 0 using 1:3 with linespoints lw 2 title "churn", "" index 1 using 1:3 with linespoints lw 2 title "swarm"
  set title "peak memory per wallet (KiB)"; set ylabel "KiB"
  plot "scale.dat" index 0 using 1:4 with linespoints lw 2 title "churn", "" index 1 using 1:4 with linespoints lw 2 title "swarm"
  unset multiplot
}
