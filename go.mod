module github.com/gocfg/gocfg

go 1.24
