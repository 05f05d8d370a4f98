alerts --follow -
