# The packet backend's network layer: NAT routing and the topology on real ns-3 packets.
connsim_unit_test(sim nat_routing 120 connsim_sim_packet_net connsim_sim)
connsim_unit_test(sim topology 120 connsim_sim_packet_net connsim_sim)
connsim_unit_test(sim packet_paths 120 connsim_sim_packet)
