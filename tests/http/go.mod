module prof.test/http

go 1.19
