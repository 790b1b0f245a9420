module linkup/pion_peer

go 1.19
