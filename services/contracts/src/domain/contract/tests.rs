// rule tables come next
