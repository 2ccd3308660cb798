module example.com/debug1

go 1.19
