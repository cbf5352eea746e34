// ReadBuffer: a fixed-capacity byte buffer for reading from a stream and parsing in place. Unlike
// beast::flat_buffer it never throws: Prepare() returns what room there is (compacting first), and
// an empty span means the buffer is full. Allocated once, reused for every message on a
// connection.
#pragma once

#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace cairn::net {

class ReadBuffer {
 public:
  explicit ReadBuffer(std::size_t capacity)
      : data_(std::make_unique<char[]>(capacity)), capacity_(capacity) {}

  // Bytes read but not consumed.
  boost::asio::const_buffer data() const { return {data_.get() + begin_, end_ - begin_}; }
  std::string_view view() const { return {data_.get() + begin_, end_ - begin_}; }
  std::size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  std::size_t capacity() const { return capacity_; }

  // Room to read into (at most `max` bytes); empty when the buffer is full of unconsumed bytes.
  boost::asio::mutable_buffer Prepare(std::size_t max = SIZE_MAX) {
    if (begin_ == end_) {
      begin_ = end_ = 0;
    } else if (begin_ > 0 && end_ == capacity_) {
      std::memmove(data_.get(), data_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    std::size_t room = capacity_ - end_;
    return {data_.get() + end_, room < max ? room : max};
  }
  void Commit(std::size_t n) { end_ += n; }
  void Consume(std::size_t n) {
    begin_ += n;
    if (begin_ >= end_) begin_ = end_ = 0;
  }
  void Clear() { begin_ = end_ = 0; }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace cairn::net
