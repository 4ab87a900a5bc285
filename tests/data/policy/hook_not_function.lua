return { tier = 1 }
