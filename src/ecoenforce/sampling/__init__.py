"""执法监测: sampling requests to the monitoring station, chain of custody, the lab's result judged against limits."""
