// gin-idle: an idle HTTP server, the shape of gin's quick-start program
// (r := gin.Default(); r.GET("/ping", ...); r.Run()) built on net/http alone
// because gin cannot be fetched here: a router with one JSON route behind a
// logging and a panic-recovery middleware, listening on 127.0.0.1:0 and
// serving from its own goroutine while main sleeps. No request arrives.
package main

import (
	"encoding/json"
	"log"
	"net"
	"net/http"
	"time"

	"gomem/reality/checkpoint"
)

// recovery and logger play the parts of gin.Recovery() and gin.Logger().
func recovery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if err := recover(); err != nil {
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func logger(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		log.Printf("[GIN] %v | %s %s", time.Since(start), r.Method, r.URL.Path)
	})
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		json.NewEncoder(w).Encode(map[string]string{"message": "pong"})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: logger(recovery(mux))}
	go srv.Serve(ln)

	checkpoint.Mark("start")
	time.Sleep(time.Second)
	checkpoint.Mark("after_idle_1s")
	checkpoint.Exit()
}
