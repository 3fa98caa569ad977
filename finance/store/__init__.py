"""Where saved options are kept: the scenario store shared by threads and processes."""
