// JsRun: the JavaScript side of one run: one store host for every JavaScript wallet, each such
// wallet's stores replaced by a JsWallet before the world starts, the host's timers on the
// run's kernel.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/js/js_host.hpp"

namespace connsim::sim {
class World;
}

namespace connsim::sim::js {

class JsRun final : private HostScheduler {
 public:
  /// `store_options[w]`: for a JavaScript wallet its scenario `store` object as written (JSON
  /// text, "" for none); nullopt for a C++ wallet. `store_directory`: the store sources (empty:
  /// the project's js/store). Throws EnvironmentError when the host cannot run here.
  JsRun(World& world, const std::vector<std::optional<std::string>>& store_options, const std::string& store_directory);
  ~JsRun() override;

  /// Why the JavaScript stores failed the run (a store error, the host died or went silent).
  const std::optional<std::string>& failure() const { return host_->failure(); }

 private:
  Duration now() const override;
  void at(Duration at, std::function<void()> action) override;

  World& world_;
  std::unique_ptr<JsHost> host_;
};

}  // namespace connsim::sim::js
