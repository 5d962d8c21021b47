"""bibdebitor: the Danish library debtor integration (FBS <-> municipal debtor systems)."""
