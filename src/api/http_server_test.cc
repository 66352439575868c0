#include "api/http_server.h"

#include <atomic>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "api/http_test_client.h"

namespace de {
namespace {

using std::chrono::milliseconds;
using testing::ClientResponse;
using testing::Fetch;
using testing::HttpTestClient;
using Verb = boost::beast::http::verb;

// A gate handlers wait on, so tests control when they finish.
class Gate {
 public:
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options = {}) {
    server_ = std::make_unique<HttpServer>(options);
    server_->Route(Verb::get, "/hello", [](const HttpRequest& request) {
      std::string who(request.QueryParam("name").value_or("world"));
      return HttpResponse::Text(HttpStatus::ok, "hello " + who);
    });
    server_->Route(Verb::post, "/echo", [](const HttpRequest& request) {
      HttpResponse response = HttpResponse::Json(HttpStatus::ok, request.body);
      response.headers.Add("X-Accept", std::string(request.headers.Get("accept").value_or("")));
      response.headers.Add("X-Path", request.path);
      return response;
    });
    server_->Route(Verb::get, "/throw",
                   [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
    server_->Route(Verb::get, "/slow", [this](const HttpRequest&) {
      entered_.fetch_add(1);
      gate_.Wait();
      return HttpResponse::Text(HttpStatus::ok, std::string(100'000, 's'));
    });
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_NE(server_->port(), 0);
  }

  void WaitEntered(int count) {
    for (int i = 0; i < 2000 && entered_.load() < count; ++i) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    ASSERT_GE(entered_.load(), count);
  }

  void TearDown() override {
    gate_.Open();
    if (server_) server_->Stop();
  }

  uint16_t port() const { return server_->port(); }

  std::unique_ptr<HttpServer> server_;
  Gate gate_;
  std::atomic<int> entered_{0};
};

TEST_F(HttpServerTest, Healthz) {
  StartServer();
  ClientResponse get = Fetch(port(), Verb::get, "/healthz");
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "ok");
  ClientResponse head = Fetch(port(), Verb::head, "/healthz");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), "2");
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(Fetch(port(), Verb::post, "/healthz").status, 405);
}

TEST_F(HttpServerTest, NotFoundAndMethodNotAllowed) {
  StartServer();
  EXPECT_EQ(Fetch(port(), Verb::get, "/nope").status, 404);
  ClientResponse wrong = Fetch(port(), Verb::post, "/hello");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Header("allow"), "GET, HEAD");
  ClientResponse head = Fetch(port(), Verb::head, "/hello");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), "11");
}

TEST_F(HttpServerTest, QueryHeadersAndBodyReachHandlers) {
  StartServer();
  EXPECT_EQ(Fetch(port(), Verb::get, "/hello?name=J%C3%BCrgen+K.&x=1").body,
            "hello J\xc3\xbcrgen K.");
  ClientResponse echo =
      Fetch(port(), Verb::post, "/echo?q=1",
            {{"Accept", "application/graphql-response+json"}, {"Content-Type", "application/json"}},
            R"({"query":"{ a }"})");
  EXPECT_EQ(echo.status, 200);
  EXPECT_EQ(echo.body, R"({"query":"{ a }"})");
  EXPECT_EQ(echo.Header("content-type"), "application/json");
  EXPECT_EQ(echo.Header("x-accept"), "application/graphql-response+json");
  EXPECT_EQ(echo.Header("x-path"), "/echo");
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  HttpTestClient client(port());
  for (int i = 0; i < 5; ++i) {
    ClientResponse response = client.Send(Verb::get, "/hello?name=" + std::to_string(i));
    ASSERT_EQ(response.status, 200) << response.error;
    EXPECT_EQ(response.body, "hello " + std::to_string(i));
    EXPECT_TRUE(response.keep_alive);
  }
  ClientResponse last = client.Send(Verb::get, "/hello", {{"Connection", "close"}});
  EXPECT_EQ(last.status, 200);
  EXPECT_FALSE(last.keep_alive);
  EXPECT_TRUE(client.ClosedByServer(milliseconds(2000)));
}

TEST_F(HttpServerTest, MalformedRequestsGet400) {
  StartServer();
  for (std::string raw : {"GARBAGE\r\n\r\n", "GET nopath HTTP/1.1\r\nHost: x\r\n\r\n",
                          "GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                          "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n"}) {
    HttpTestClient client(port());
    ASSERT_TRUE(client.SendRaw(raw));
    ClientResponse response = client.Receive();
    EXPECT_EQ(response.status, 400) << raw << " " << response.error;
    EXPECT_FALSE(response.keep_alive);
  }
}

TEST_F(HttpServerTest, OversizeBodyGets413) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  ClientResponse fits = Fetch(port(), Verb::post, "/echo", {}, std::string(1024, 'a'));
  EXPECT_EQ(fits.status, 200);
  ClientResponse large = Fetch(port(), Verb::post, "/echo", {}, std::string(100'000, 'a'));
  EXPECT_EQ(large.status, 413) << large.error;

  // With Expect: 100-continue the body is refused before it is sent.
  HttpTestClient client(port());
  ASSERT_TRUE(client.SendRaw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(client.Receive().status, 413);

  // Chunked bodies are limited as well.
  HttpTestClient chunked(port());
  ASSERT_TRUE(
      chunked.SendRaw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                      fmt::format("{:x}\r\n{}\r\n0\r\n\r\n", 2000, std::string(2000, 'c'))));
  EXPECT_EQ(chunked.Receive().status, 413);
}

TEST_F(HttpServerTest, ExpectContinueWithSmallBodyIsServed) {
  StartServer();
  HttpTestClient client(port());
  ASSERT_TRUE(client.SendRaw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(client.Receive().status, 100);
  ASSERT_TRUE(client.SendRaw("{}"));
  ClientResponse response = client.Receive();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{}");
}

TEST_F(HttpServerTest, OversizeHeadersGet431) {
  HttpServerOptions options;
  options.max_header_bytes = 2048;
  StartServer(options);
  ClientResponse response = Fetch(port(), Verb::get, "/hello", {{"X-Big", std::string(4096, 'h')}});
  EXPECT_EQ(response.status, 431) << response.error;
}

TEST_F(HttpServerTest, HandlerExceptionBecomes500AndServerLives) {
  StartServer();
  ClientResponse response = Fetch(port(), Verb::get, "/throw");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("boom"), std::string::npos);
  EXPECT_EQ(Fetch(port(), Verb::get, "/healthz").status, 200);
}

TEST_F(HttpServerTest, HealthzAnswersWhileEveryHandlerThreadIsBusy) {
  HttpServerOptions options;
  options.threads = 2;
  StartServer(options);
  auto slow1 = std::async(std::launch::async, [&] { return Fetch(port(), Verb::get, "/slow"); });
  auto slow2 = std::async(std::launch::async, [&] { return Fetch(port(), Verb::get, "/slow"); });
  WaitEntered(2);
  auto started = std::chrono::steady_clock::now();
  ClientResponse health = Fetch(port(), Verb::get, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  // A third slow request queues; the server still answers health checks.
  auto slow3 = std::async(std::launch::async, [&] { return Fetch(port(), Verb::get, "/slow"); });
  EXPECT_EQ(Fetch(port(), Verb::get, "/healthz").status, 200);
  gate_.Open();
  EXPECT_EQ(slow1.get().status, 200);
  EXPECT_EQ(slow2.get().status, 200);
  EXPECT_EQ(slow3.get().status, 200);
}

TEST_F(HttpServerTest, StopFinishesTheRequestInFlight) {
  StartServer();
  HttpTestClient idle(port());  // an idle keep-alive connection must not hold Stop up
  ASSERT_EQ(idle.Send(Verb::get, "/hello").status, 200);
  auto in_flight =
      std::async(std::launch::async, [&] { return Fetch(port(), Verb::get, "/slow"); });
  WaitEntered(1);
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    server_->Stop();
    stopped = true;
  });
  EXPECT_TRUE(idle.ClosedByServer(milliseconds(5000)));
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_FALSE(stopped.load());                    // waits for the handler
  EXPECT_FALSE(HttpTestClient(port()).Connect());  // no longer accepting
  gate_.Open();
  ClientResponse response = in_flight.get();
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body.size(), 100'000u);
  EXPECT_FALSE(response.keep_alive);
  stopper.join();
  EXPECT_TRUE(stopped.load());
  server_->Stop();  // idempotent
}

TEST_F(HttpServerTest, ManyConcurrentRequests) {
  StartServer();
  constexpr int kClients = 10;
  constexpr int kRequestsPerClient = 20;  // 200 in all, half on fresh connections
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpTestClient kept(port());
      for (int i = 0; i < kRequestsPerClient; ++i) {
        std::string name = std::to_string(c * 1000 + i);
        ClientResponse response = i % 2 == 0 ? kept.Send(Verb::get, "/hello?name=" + name)
                                             : Fetch(port(), Verb::get, "/hello?name=" + name);
        if (response.status == 200 && response.body == "hello " + name) ok.fetch_add(1);
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(ok.load(), kClients * kRequestsPerClient);
}

TEST_F(HttpServerTest, SlowClientIsDisconnectedAfterReadTimeout) {
  HttpServerOptions options;
  options.read_timeout = milliseconds(200);
  StartServer(options);
  HttpTestClient client(port());
  ASSERT_TRUE(client.SendRaw("GET /hello HTTP/1.1\r\nHost: x\r\n"));  // never finished
  EXPECT_TRUE(client.ClosedByServer(milliseconds(3000)));
}

TEST(HttpServerLifecycleTest, StartErrors) {
  HttpServerOptions bad_address;
  bad_address.bind_address = "not-an-ip";
  EXPECT_EQ(HttpServer(bad_address).Start().code(), StatusCode::kInvalidArgument);

  HttpServerOptions bad_threads;
  bad_threads.threads = 0;
  EXPECT_EQ(HttpServer(bad_threads).Start().code(), StatusCode::kInvalidArgument);

  HttpServer first(HttpServerOptions{});
  ASSERT_TRUE(first.Start().ok());
  EXPECT_EQ(first.Start().code(), StatusCode::kFailedPrecondition);
  HttpServerOptions same_port;
  same_port.port = first.port();
  Status taken = HttpServer(same_port).Start();
  EXPECT_EQ(taken.code(), StatusCode::kUnavailable);
  EXPECT_NE(taken.message().find(std::to_string(first.port())), std::string::npos);
  first.Stop();

  HttpServer never_started(HttpServerOptions{});
  never_started.Stop();
  EXPECT_EQ(never_started.port(), 0);
}

TEST(HttpServerLifecycleTest, RoutesAddedAfterStartAreIgnored) {
  HttpServer server(HttpServerOptions{});
  ASSERT_TRUE(server.Start().ok());
  server.Route(Verb::get, "/late",
               [](const HttpRequest&) { return HttpResponse::Text(HttpStatus::ok, "late"); });
  EXPECT_EQ(Fetch(server.port(), Verb::get, "/late").status, 404);
}

}  // namespace
}  // namespace de
