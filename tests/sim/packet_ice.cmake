# STUN wire format and ICE over real packets (the packet backend's hole punch), cross-checked
# against the message-level model cell by cell.
connsim_unit_test(sim stun 60 connsim_sim_packet_ice connsim_sim)
connsim_unit_test(sim packet_ice 300 connsim_sim_packet_ice connsim_sim)
