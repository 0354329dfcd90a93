// PipelineDoor — the API's door to the engine (api/engine_door.h), opened onto the single-writer
// pipeline (pipeline/pipeline.h). It only translates: a submission becomes a pipeline request, the
// pipeline's result becomes the outcome the API answers from.
//
// Thread-safety: as EngineDoor; the pipeline must outlive it.

#ifndef SUBEX_SERVER_PIPELINE_DOOR_H_
#define SUBEX_SERVER_PIPELINE_DOOR_H_

#include "api/engine_door.h"
#include "pipeline/pipeline.h"

namespace subex {

class PipelineDoor final : public EngineDoor {
 public:
  explicit PipelineDoor(Pipeline& pipeline) : pipeline_(pipeline) {}

  void Submit(Submission submission) override;
  void Read(std::function<void(const State&)> read,
            std::function<void(absl::Status)> done) override;
  bool failed() const override { return pipeline_.journal_failed(); }
  void WriteMetrics(MetricsText& out) const override { pipeline_.WriteMetrics(out); }

 private:
  Pipeline& pipeline_;
};

}  // namespace subex

#endif  // SUBEX_SERVER_PIPELINE_DOOR_H_
