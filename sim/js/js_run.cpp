#include "sim/js/js_run.hpp"

#include "sim/js/js_wallet.hpp"
#include "sim/wallet_node.hpp"
#include "sim/world.hpp"

namespace connsim::sim::js {

JsRun::JsRun(World& world, const std::vector<std::optional<std::string>>& store_options,
             const std::string& store_directory)
    : world_(world), host_(std::make_unique<JsHost>(JsHost::node_options(store_directory), static_cast<HostScheduler&>(*this))) {
  for (std::size_t w = 0; w < store_options.size() && w < world_.wallet_count(); ++w) {
    if (!store_options[w]) continue;
    nlohmann::json options;
    if (!store_options[w]->empty()) options = nlohmann::json::parse(*store_options[w], nullptr, false);
    world_.wallet(w).use_external_stores(std::make_unique<JsWallet>(*host_, world_.wallet(w), std::move(options)));
  }
}

JsRun::~JsRun() = default;

Duration JsRun::now() const { return world_.kernel().now(); }

void JsRun::at(Duration at, std::function<void()> action) {
  world_.kernel().schedule(at - world_.kernel().now(), std::move(action));
}

}  // namespace connsim::sim::js
