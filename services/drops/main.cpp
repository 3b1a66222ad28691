// livedrop-drops: products, drops and the scheduler that starts and ends them on time.
#include "drops_migrations.h"
#include "drops_service.h"
#include "livedrop/service/service_main.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-drops", "Products and drops of Live Drops, started and ended on time.", "drops",
       &drops::Migrations(), 7003, 9003},
      argc, argv,
      [](config::Spec& spec) {
        spec.Duration("scheduler-max-sleep", "Longest pause between scheduler passes",
                      std::chrono::milliseconds(50));
      },
      [](service::Runtime& rt) {
        auto scheduler =
            std::make_shared<drops::DropsScheduler>(rt.pool, rt.config.GetDuration("scheduler-max-sleep"));
        scheduler->Start();
        auto service = std::make_shared<drops::DropsServiceImpl>(rt.pool, *scheduler);
        rt.Serve(service.get());
        rt.Keep(scheduler);
        rt.Keep(service);
      });
}
