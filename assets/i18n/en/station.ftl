# station
