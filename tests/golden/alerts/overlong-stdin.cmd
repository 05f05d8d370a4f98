alerts summary --top 3 -
