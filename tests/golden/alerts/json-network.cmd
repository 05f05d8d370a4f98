alerts L/network.json --rule network.im.protocol
